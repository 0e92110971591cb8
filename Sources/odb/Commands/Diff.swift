import ArgumentParser
import Revisions

extension ODB {
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show what changed between two states: schema objects and rows.",
            discussion: """
                A and B are revisions (a number, a tag, 'tip', @N for a hidden state) or '.' for the working database. With no \
                argument: the working database's parent against the working database; with one: A against \
                the working database. Rows are matched by primary key, else by a unique key of NOT NULL \
                columns; a table with neither is compared as a multiset. Each server hashes chunks of rows \
                first, so only the chunks that differ are read.
                """)

        @Argument(help: "The old state (default: the working database's parent).")
        var old: String?

        @Argument(help: "The new state (default: '.', the working database).")
        var new: String?

        @Flag(help: "Only the number of rows added, removed and changed, a line a table.")
        var stat = false

        @Option(help: "Show up to this many differing rows a table (default 10; 0 with --stat).")
        var rows: Int?

        @Flag(help: "Compare only the schema.")
        var schemaOnly = false

        @Flag(help: "Compare only the rows.")
        var dataOnly = false

        @Option(
            help: ArgumentHelp(
                "Only tables matching this pattern: * and ? as in psql's \\d; with a dot, schema.table.",
                valueName: "pattern"))
        var table: String?

        @Flag(help: "Exit with status 1 when the states differ, as git diff --exit-code.")
        var exitCode = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if schemaOnly, dataOnly { throw ValidationError("--schema-only and --data-only cannot go together") }
            if let rows, rows < 0 { throw ValidationError("--rows must be 0 or more, not \(rows)") }
            if let table, table.isEmpty { throw ValidationError("--table needs a pattern, such as 'orders' or 'sales.*'") }
        }

        func run() async throws {
            var differ = false
            try await failing {
                let states = (old: try old.map(Self.state) ?? nil, new: try new.map(Self.state) ?? .working)
                let options = DiffOptions(
                    schema: !dataOnly, data: !schemaOnly, tables: table.map(TablePattern.init), rows: rows ?? (stat ? 0 : 10))
                let repository = try await connection.readingRepository(reporting: output)
                let before = try states.old ?? .revision(.number(try repository.workingParent()))
                let report = try repository.reading(before) { oldSession in
                    try repository.reading(states.new) { newSession in
                        try Differ(old: oldSession, new: newSession).diff(options)
                    }
                }
                try output.emit(.diff(report, stat: stat))
                if output.verbose, !output.quiet { ProgressLine.standardError.print(Text.diffCost(report.stats)) }
                differ = !report.isEmpty
            }
            if exitCode, differ { throw ExitCode(1) }
        }

        /// `.` for the working database, else a revision argument.
        static func state(_ text: String) throws -> DatabaseState {
            text == "." ? .working : .revision(try RevisionArgument(parsing: text))
        }
    }
}
