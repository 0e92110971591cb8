import Foundation

/// What a command answers on stdout: the value `--json` prints and the text people read.
///
/// Every answer is made by one of the static functions on `Answer` in this folder, from library
/// values alone: no server, no environment, no printing. So both forms are made in one place
/// and tested together; `OutputOptions.emit(_:)` only chooses which one to print.
struct Answer {
    /// What `--json` prints.
    let value: any Encodable
    /// What people read: lines joined by newlines, without a last newline.
    let text: String

    /// The value as odb prints JSON: indented, keys sorted, slashes left as they are.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// The text that is not a command's answer: lines on stderr, the purge question, and the pieces
/// answers share. Each static function is pure and returns the text exactly as printed, without
/// a last newline.
enum Text {
    /// A size for people, in powers of 1024: `512 B`, `7.1 MB`.
    static func bytes(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `1 spare`, `2 spares`.
    static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
