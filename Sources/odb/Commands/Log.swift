import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "Show the history, newest first.")

        @Option(name: [.short, .long], parsing: .unconditional, help: "Show at most this many revisions.")
        var limit: Int?

        @Option(name: [.short, .customLong("rev")], help: "Show only this revision: a number, a tag or 'tip'.")
        var revision: String?

        @Option(help: "Show only revisions made since this date (2026-11-23, or RFC 3339 with a zone).")
        var since: String?

        @Flag(name: [.customShort("G"), .customShort("g"), .long], help: "Draw the history as a graph.")
        var graph = false

        @Flag(help: "Show hidden states too (@1, @2, …: the working databases reverts kept).")
        var all = false

        @Option(
            help: ArgumentHelp(
                "Show only the revisions whose databases hold objects, privileges or policies of this role.",
                discussion: "What keeps DROP ROLE from succeeding: purge them, or reassign what they hold.",
                valueName: "ROLE"))
        var holding: String?

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
            if let since, sinceDate(since) == nil {
                throw ValidationError(
                    "--since takes a date such as 2026-11-23 or 2026-11-23T20:30:00Z, not '\(Text.oneLine(since))'")
            }
        }

        func run() async throws {
            try await failing {
                let repository = try await connection.readingRepository(reporting: output)
                let only = try revision.map(RevisionArgument.init(parsing:))
                let revisions = try repository.log(
                    limit: limit, only: only, since: since.flatMap(sinceDate), all: all, holding: holding)
                let parent = try repository.workingParent()
                try output.emit(.log(revisions, workingParent: parent, graph: graph, holding: holding))
            }
        }
    }
}

/// A `--since` date: a day (midnight UTC) or an RFC 3339 time with a zone.
func sinceDate(_ text: String) -> Date? {
    let day = DateFormatter()
    day.locale = Locale(identifier: "en_US_POSIX")
    day.timeZone = TimeZone(identifier: "UTC")
    day.dateFormat = "yyyy-MM-dd"
    if let date = day.date(from: text) { return date }
    let full = ISO8601DateFormatter()
    if let date = full.date(from: text) { return date }
    full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return full.date(from: text)
}
