import ArgumentParser
import Revisions

extension ODB {
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where the working database stands.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let info = try await connection.open().repository(connection.database).info()
                try output.emit(info) {
                    var lines = [
                        "database : \(info.database)",
                        "server   : \(info.server)",
                        "revision : \(info.revision) (parent: \(info.parent), tip: \(info.tip))",
                    ]
                    if !info.parentTags.isEmpty { lines.append("tags     : \(info.parentTags.joined(separator: ", "))") }
                    lines.append(
                        "size     : \(formatBytes(info.size)), \(info.revisions) revision database\(info.revisions == 1 ? "" : "s") \(formatBytes(info.revisionsSize))"
                    )
                    if !info.spares.isEmpty {
                        lines.append(
                            "spares   : revision\(info.spares.count == 1 ? "" : "s") \(info.spares.map(String.init).joined(separator: ", ")) (\(formatBytes(info.sparesSize)))"
                        )
                    }
                    if let copies = info.copies {
                        lines.append(
                            "copies   : \(copies.clone == true ? "clone" : copies.clone == false ? "copy" : "clone, untried") (\(copies.reason))"
                        )
                    }
                    if info.discardedSize > 0 {
                        lines.append("to drop  : \(formatBytes(info.discardedSize)) replaced by reverts")
                    }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }

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
