import ArgumentParser
import Revisions

extension ODB {
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the history, newest first.")

        @Option(name: [.short, .long], help: "Show at most this many revisions.")
        var limit: Int?

        @Flag(name: [.customShort("G"), .customShort("g"), .long], help: "Draw the history as a graph.")
        var graph = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            try await failing {
                let repository = try await connection.open().repository(connection.database)
                let revisions = try repository.log(limit: limit)
                let parent = try repository.workingParent()
                try output.emit(revisions) {
                    if revisions.isEmpty { return "no revisions yet: 'odb commit' makes the first" }
                    if graph {
                        return Graph.render(revisions, workingParent: parent) { [describe($0, parent: parent)] }
                            .joined(separator: "\n")
                    }
                    return revisions.map { describe($0, parent: parent) }.joined(separator: "\n")
                }
            }
        }

        private func describe(_ revision: Revision, parent: Int) -> String {
            var text = "\(revision.number)"
            if !graph { text += revision.number == parent ? " @" : "  " }
            text += "  \(revision.created.replacingOccurrences(of: "T", with: " ").dropLast(4))"
            text += "  parent \(revision.parent)"
            text += "  \(revision.author)"
            if let size = revision.size, revision.database != nil {
                text += "  \(formatBytes(size))"
            } else {
                text += "  (purged)"
            }
            if !revision.tags.isEmpty { text += "  [\(revision.tags.joined(separator: ", "))]" }
            if revision.spare { text += "  (spare)" }
            if !revision.message.isEmpty { text += "  \(revision.message.split(whereSeparator: \.isNewline).first ?? "")" }
            return text
        }
    }
}
