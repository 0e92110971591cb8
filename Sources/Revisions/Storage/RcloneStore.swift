import Foundation

/// Dumps on any store rclone reaches (Debian's `rclone`): `s3://bucket/prefix`, or a remote of
/// the user's rclone configuration, `remote:path`. Every transfer is one streamed rclone run
/// (`rcat`, `cat`, `lsjson`, `deletefile`). An `s3://` location is configured through rclone's
/// environment variables from the usual `AWS_*` ones: no secret is ever on a command line, and
/// nothing is written to a configuration file.
public struct RcloneStore: Store {
    public let location: String
    /// The rclone path of the location's root, `remote:path`.
    let remote: String
    let environment: [String: String?]

    /// The name of the remote an `s3://` location is reached through, defined in the environment.
    static let s3Remote = "odbs3"

    init(location: String, remote: String, environment: [String: String], changes: [String: String?] = [:]) {
        self.location = location
        self.remote = remote
        self.environment = changes
    }

    /// An `s3://bucket/prefix` location: AWS, or any S3-compatible store named by
    /// `AWS_ENDPOINT_URL` (then the provider is `Other` unless `ODB_S3_PROVIDER` names one).
    static func s3(location: String, path: String, environment: [String: String]) -> RcloneStore {
        let name = "RCLONE_CONFIG_" + s3Remote.uppercased() + "_"
        let endpoint = environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"]
        var changes: [String: String?] = [
            name + "TYPE": "s3",
            name + "PROVIDER": environment["ODB_S3_PROVIDER"] ?? (endpoint == nil ? "AWS" : "Other"),
            name + "ENV_AUTH": "true",
        ]
        if let endpoint { changes[name + "ENDPOINT"] = endpoint }
        if let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] { changes[name + "REGION"] = region }
        return RcloneStore(location: location, remote: s3Remote + ":" + path, environment: environment, changes: changes)
    }

    func path(_ key: String) -> String {
        remote.hasSuffix(":") || remote.hasSuffix("/") ? remote + key : remote + "/" + key
    }

    func rclone(_ arguments: [String]) -> Program {
        Program(
            "rclone", arguments + ["--retries", "1", "--low-level-retries", "2"], environment: .inherited(changing: environment))
    }

    /// rclone's error as odb's: its own last line, for the location as the user named it.
    func failure(_ error: any Error) -> any Error {
        guard let error = error as? ProgramError, error.program == "rclone" else { return error }
        if case .couldNotRun = error.reason, error.program == "rclone" { return OdbError.programMissing("rclone") }
        // rclone's line that says what failed, not its notices or the "caused by" detail after it.
        let line = error.errorLines.map(Self.withoutTimestamp).last {
            !$0.hasPrefix("NOTICE") && !$0.hasPrefix("caused by")
        }
        return OdbError.storageFailed(location: location, reason: line ?? "\(error)")
    }

    /// rclone starts its lines with a date and a level: `2026/12/01 21:00:00 ERROR : …`.
    static func withoutTimestamp(_ line: String) -> String {
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, parts[0].contains("/"), parts[1].contains(":") else { return line }
        return String(parts[2])
    }

    public func list(under prefix: String) async throws -> [StoredObject] {
        struct Entry: Decodable {
            let Path: String
            let Size: Int64
        }
        let result: ProgramResult
        do {
            result = try await rclone(["lsjson", "--recursive", "--files-only", remote]).result(
                output: .collected(limit: 256 << 20))
        } catch {
            throw failure(error)
        }
        // Exit status 3: the folder does not exist yet, which is an empty store.
        if result.termination == .exited(3) { return [] }
        do {
            _ = try result.checked()
        } catch {
            throw failure(error)
        }
        let entries = try JSONDecoder().decode([Entry].self, from: Data(result.output.utf8))
        return entries.filter { $0.Path.hasPrefix(prefix) }.map { StoredObject(key: $0.Path, size: $0.Size) }
    }

    public func put(
        _ key: String,
        from produce: @escaping @Sendable (_ write: @escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void
    ) async throws {
        do {
            try await rclone(["rcat", path(key)]).run(
                input: .writer { writer in try await produce { try await writer.write($0) } })
        } catch {
            throw failure(error)
        }
    }

    /// rclone starts, reads its configuration and connects while the caller works, told the
    /// object's size up front (`rcat --size`): the bytes are padded to `preparedSize` with spaces,
    /// which JSON ignores. An rclone whose stdin ends short of that size stores nothing (the
    /// request is refused before it is sent), so an odb killed before it wrote the bytes (one
    /// write, atomic on a pipe) never leaves an empty or partial object. Bytes that do not fit
    /// go by a transfer of their own.
    public func prepare(_ key: String) -> PreparedPut {
        let size = Self.preparedSize
        let (bytes, input) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let upload = Task {
            do {
                try await rclone(["rcat", "--size", String(size), path(key)]).run(input: .chunks(bytes))
            } catch {
                throw failure(error)
            }
        }
        return PreparedPut(
            finish: { object in
                guard object.count <= size else {
                    input.finish(throwing: CancellationError())
                    _ = try? await upload.value
                    return try await put(key, bytes: object)
                }
                input.yield(object + [UInt8](repeating: UInt8(ascii: " "), count: size - object.count))
                input.finish()
                try await upload.value
            },
            abandon: {
                input.finish(throwing: CancellationError())
                _ = try? await upload.value
            })
    }

    /// The size a prepared object is padded to: a pipe's atomic write (`PIPE_BUF`).
    static let preparedSize = 4096

    public func get(_ key: String, each: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        let found: Bool
        do {
            found = try await rclone(["cat", path(key)]).run { stream in
                var any = false
                for try await chunk in stream {
                    any = true
                    try await each(chunk)
                }
                return any
            }
        } catch let error as ProgramError where error.reason == .failed(.exited(3)) || error.reason == .failed(.exited(4)) {
            throw OdbError.noSuchDump(key)
        } catch {
            throw failure(error)
        }
        // `rclone cat` of a missing object prints nothing and succeeds on some backends (S3
        // among them); odb never stores an empty object, so nothing at all means not there.
        if !found { throw OdbError.noSuchDump(key) }
    }

    public func delete(_ key: String) async throws {
        let result: ProgramResult
        do {
            result = try await rclone(["deletefile", path(key)]).result()
        } catch {
            throw failure(error)
        }
        if result.termination == .exited(3) || result.termination == .exited(4) { return }
        do { _ = try result.checked() } catch { throw failure(error) }
    }
}
