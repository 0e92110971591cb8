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
                    if info.discardedSize > 0 {
                        lines.append("to drop  : \(formatBytes(info.discardedSize)) replaced by reverts")
                    }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }
}
