import Foundation

/// What odb writes beside a dump, last, once every byte of it is stored: a dump without one is
/// not a dump (never listed, never restored). Restore checks the bytes it reads against `sha256`.
public struct Manifest: Codable, Sendable, Equatable {
    /// The manifest's own format.
    public var format = 1
    public var key: String
    public var instance: String
    public var database: String
    public var config: String
    public var size: Int64
    public var sha256: String
    /// When the dump was made, UTC, ISO 8601.
    public var created: String
    /// The revision dumped, when it was one; nil for the working database.
    public var revision: Int?
    /// The revision's message, or, for the working database, nil.
    public var message: String?
    /// The revision the dumped state came from (0: none).
    public var parent: Int
    public var serverVersion: String
    public var pgDumpVersion: String
    /// The `--exclude-table-data` patterns: tables whose rows were left out.
    public var excludedData: [String]

    func encoded() throws -> [UInt8] {
        Array(try JSONCoding.encoder.encode(self))
    }

    static func decoded(_ bytes: [UInt8], key: String) throws -> Manifest {
        do {
            return try JSONCoding.decoder.decode(Manifest.self, from: Data(bytes))
        } catch {
            throw OdbError.badManifest(key: key)
        }
    }
}

/// A dump as `odb ls` shows it: its manifest.
public struct DumpListing: Codable, Sendable, Equatable {
    public let dumps: [Manifest]
    /// Keys without a manifest that `--clean` removed.
    public let removed: [String]

    public init(dumps: [Manifest], removed: [String]) {
        self.dumps = dumps
        self.removed = removed
    }
}
