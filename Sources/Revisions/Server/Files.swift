import Foundation

/// Small helpers for the embedded cluster's files, ports and names.

/// Whether a TCP port on localhost is free, tried by binding it.
func portIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return true }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0
}

func makeDirectory(_ path: String, mode: Int, owner: SystemUser?) throws {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: nil)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    } catch {
        throw OdbError.notWritable(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
    }
    if let owner { try chown(path, owner) }
}

func chown(_ path: String, _ user: SystemUser) throws {
    guard Glibc.chown(path, user.uid, user.gid) == 0 else {
        throw OdbError.notWritable(path: path, reason: String(cString: strerror(errno)))
    }
}

func fileSize(_ path: String) -> UInt64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
}

/// A value in a conninfo string, quoted as libpq expects.
func quoteConninfo(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

/// FNV-1a: a short, stable name for a path or a long database name (not for secrets).
func stableHash(_ text: String, digits: Int = 8) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return String(String(hash, radix: 16).suffix(digits)).leftPadded(to: digits)
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
