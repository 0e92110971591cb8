import Foundation

/// Dumps in a folder on this machine (`.odb/dumps` by default): each key a file under it.
public struct LocalStore: Store {
    public let location: String
    /// The folder's absolute path.
    public let folder: String

    /// How much is read or written at a time.
    static let chunkSize = 1 << 20

    public init(location: String, folder: String) {
        self.location = location
        self.folder = folder
    }

    func path(_ key: String) -> String { folder + "/" + key }

    public func list(under prefix: String) async throws -> [StoredObject] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var objects: [StoredObject] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasPrefix(prefix) else { continue }
            var info = stat()
            guard stat(path(relative), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            objects.append(StoredObject(key: relative, size: Int64(info.st_size)))
        }
        return objects
    }

    public func put(
        _ key: String,
        from produce: @escaping @Sendable (_ write: @escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void
    ) async throws {
        let target = path(key)
        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw OdbError.storageFailed(location: location, reason: error.localizedDescription)
        }
        let descriptor = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OdbError.storageFailed(location: target, reason: String(cString: strerror(errno))) }
        let file = FileDescriptorBox(descriptor)
        defer { file.close() }
        // Held while the file is written, and let go by the kernel whatever ends the writer: how
        // a cleaner tells a dump still being written from one a killed odb left.
        _ = flock(descriptor, LOCK_EX)
        try await produce { chunk in try file.write(chunk, path: target) }
        guard fsync(descriptor) == 0 else {
            throw OdbError.storageFailed(location: target, reason: String(cString: strerror(errno)))
        }
    }

    public func isBeingWritten(_ key: String) async -> Bool {
        let descriptor = open(path(key), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    public func get(_ key: String, each: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        let source = path(key)
        let descriptor = open(source, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw OdbError.noSuchDump(key) }
            throw OdbError.storageFailed(location: source, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OdbError.storageFailed(location: source, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return }
            try await each(Array(buffer[0..<count]))
        }
    }

    public func delete(_ key: String) async throws {
        if unlink(path(key)) != 0, errno != ENOENT {
            throw OdbError.storageFailed(location: path(key), reason: String(cString: strerror(errno)))
        }
    }
}

/// An open file written from one task at a time.
final class FileDescriptorBox: @unchecked Sendable {
    let descriptor: Int32
    private var closed = false

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    func write(_ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OdbError.storageFailed(location: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    func close() {
        if !closed { _ = Glibc.close(descriptor) }
        closed = true
    }
}
