import Foundation

/// Where dumps live, behind one small interface: list, put a stream, get a stream, delete. A
/// local folder (`LocalStore`) and every remote rclone reaches (`RcloneStore`: S3, GCS, Azure,
/// SFTP, …). Bytes pass through in chunks, never staged in a file or held whole in memory.
public protocol Store: Sendable {
    /// The location as the user gave it, for messages.
    var location: String { get }

    /// The objects whose keys start with `prefix` (a folder-like prefix, `""` for all).
    func list(under prefix: String) async throws -> [StoredObject]

    /// Stores under `key` the bytes `produce` hands to `write`, chunk by chunk. When `produce`
    /// throws, the object may be left partial: callers make an object count only once its
    /// manifest, written last, is there.
    func put(
        _ key: String,
        from produce: @escaping @Sendable (_ write: @escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void
    ) async throws

    /// Hands the bytes stored under `key` to `each`, chunk by chunk, in order.
    func get(_ key: String, each: @escaping @Sendable ([UInt8]) async throws -> Void) async throws

    /// Removes `key`; no error when it is already gone.
    func delete(_ key: String) async throws

    /// Whether a dump is still being written under `key` by some process, so that a key without
    /// its manifest is not yet abandoned. Object stores show an upload only once it is complete.
    func isBeingWritten(_ key: String) async -> Bool

    /// Gets ready to store a small object (a manifest) under `key` whose bytes are known only
    /// later: on object storage, its transfer starts now, while other work runs.
    func prepare(_ key: String) -> PreparedPut
}

/// A small object's transfer made ready before its bytes are known (`Store.prepare`).
public struct PreparedPut: Sendable {
    /// Stores the bytes.
    public let finish: @Sendable ([UInt8]) async throws -> Void
    /// Gives up: nothing is stored.
    public let abandon: @Sendable () async -> Void
}

extension Store {
    public func isBeingWritten(_ key: String) async -> Bool { false }

    /// Nothing to get ready: the object is stored when its bytes are known.
    public func prepare(_ key: String) -> PreparedPut {
        PreparedPut(finish: { bytes in try await put(key, bytes: bytes) }, abandon: {})
    }

    /// The location that names this store from any folder, for another process to open it
    /// again (`StorageLocation.store`): a local folder's absolute path, else the location.
    public var absoluteLocation: String { (self as? LocalStore)?.folder ?? location }

    /// A small object (a manifest), whole.
    public func put(_ key: String, bytes: [UInt8]) async throws {
        try await put(key) { write in try await write(bytes) }
    }

    /// A small object (a manifest), whole, up to `limit` bytes.
    public func read(_ key: String, limit: Int = 1 << 20) async throws -> [UInt8] {
        let collected = Collected()
        try await get(key) { chunk in try collected.append(chunk, limit: limit, key: key) }
        return collected.bytes
    }
}

/// One object in a store.
public struct StoredObject: Sendable, Equatable {
    public let key: String
    public let size: Int64
}

/// Chooses the store a location names: `s3://bucket/prefix`, an rclone remote `remote:path`, or
/// a local folder (a path; relative paths are taken from the project's root).
public enum StorageLocation {
    public static let defaultFolder = ".odb/dumps"

    public static func store(_ location: String, root: String, environment: [String: String]) throws -> any Store {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { throw OdbError.invalidStorage(location) }
        if trimmed.hasPrefix("s3://") {
            let rest = String(trimmed.dropFirst("s3://".count))
            guard let bucket = rest.split(separator: "/").first, !bucket.isEmpty else { throw OdbError.invalidStorage(location) }
            return RcloneStore.s3(location: trimmed, path: rest, environment: environment)
        }
        if let colon = trimmed.firstIndex(of: ":"), !trimmed.hasPrefix("/"), !trimmed.hasPrefix("."),
            trimmed[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
            trimmed.distance(from: trimmed.startIndex, to: colon) > 1
        {
            return RcloneStore(location: trimmed, remote: trimmed, environment: environment)
        }
        let path = trimmed.hasPrefix("/") ? trimmed : root + "/" + trimmed
        return LocalStore(location: trimmed, folder: URL(fileURLWithPath: path).standardizedFileURL.path)
    }
}

/// A small object's bytes, gathered from chunks handed over one at a time.
final class Collected: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []

    func append(_ chunk: [UInt8], limit: Int, key: String) throws {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit { throw OdbError.storageFailed(location: key, reason: "larger than \(limit) bytes") }
    }
}
