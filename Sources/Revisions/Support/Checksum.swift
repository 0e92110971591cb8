import CCrypto

/// The SHA-256 and size of a stream of bytes, taken chunk by chunk as they pass: a dump's
/// checksum is computed while it is written, and checked while it is read (OpenSSL's EVP).
final class Checksum: @unchecked Sendable {
    private let context: OpaquePointer
    private(set) var size: Int64 = 0

    init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: [UInt8]) {
        size += Int64(bytes.count)
        bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    /// The digest in lowercase hexadecimal; the checksum is finished after this.
    func finish() -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest.prefix(Int(length)) { text += [hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let checksum = Checksum()
        checksum.update(bytes)
        return checksum.finish()
    }
}
