import Foundation

/// Where a dump lives in a store: `<instance>/<database>/<config>/<UTC timestamp>.dump`, as
/// django-pgclone names them, with its manifest beside it as `<UTC timestamp>.manifest.json`.
/// Each part is percent-encoded where it holds anything but letters, digits, `.`, `_` and `-`,
/// so that a database name never adds a folder or starts an rclone remote.
public struct DumpKey: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    public let instance: String
    public let database: String
    public let config: String
    public let timestamp: String

    public static let suffix = ".dump"
    public static let manifestSuffix = ".manifest.json"

    public init(instance: String, database: String, config: String, timestamp: String) {
        self.instance = instance
        self.database = database
        self.config = config
        self.timestamp = timestamp
    }

    /// A key for a dump made now.
    static func now(instance: String, database: String, config: String) -> DumpKey {
        DumpKey(instance: instance, database: database, config: config, timestamp: timestamp(Date()))
    }

    /// The key as stored.
    public var description: String {
        [instance, database, config].map(Self.encode).joined(separator: "/") + "/" + timestamp + Self.suffix
    }

    public var manifest: String { folder + "/" + timestamp + Self.manifestSuffix }

    /// `<instance>/<database>/<config>`, encoded.
    var folder: String { [instance, database, config].map(Self.encode).joined(separator: "/") }

    /// A stored key read back; nil for anything that is not a dump's or a manifest's key.
    init?(stored key: String) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { return nil }
        let file = parts[3]
        let timestamp: String
        if file.hasSuffix(Self.suffix) {
            timestamp = String(file.dropLast(Self.suffix.count))
        } else if file.hasSuffix(Self.manifestSuffix) {
            timestamp = String(file.dropLast(Self.manifestSuffix.count))
        } else {
            return nil
        }
        guard !timestamp.isEmpty, let instance = Self.decode(parts[0]), let database = Self.decode(parts[1]),
            let config = Self.decode(parts[2])
        else { return nil }
        self.init(instance: instance, database: database, config: config, timestamp: timestamp)
    }

    public static func < (lhs: DumpKey, rhs: DumpKey) -> Bool {
        (lhs.timestamp, lhs.description) < (rhs.timestamp, rhs.description)
    }

    /// `20261201T211503.123456Z`: UTC, sorting as it reads.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = time_t(seconds.rounded(.down))
        let micros = Int((seconds - Double(whole)) * 1_000_000)
        var parts = tm()
        var copy = whole
        gmtime_r(&copy, &parts)
        return String(
            format: "%04d%02d%02dT%02d%02d%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec, micros)
    }

    static let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

    static func encode(_ part: String) -> String {
        let encoded = part.addingPercentEncoding(withAllowedCharacters: plain) ?? part
        // "." and ".." are folders to every store: keep them from being one.
        return encoded == "." || encoded == ".." ? encoded.replacingOccurrences(of: ".", with: "%2E") : encoded
    }

    static func decode(_ part: String) -> String? { part.removingPercentEncoding }
}
