import ArgumentParser
import Revisions

extension ODB {
    struct CheckoutCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkout",
            abstract: "Copy a revision to a new database beside the working one, to read or write.",
            discussion: """
                odb checkout 3 --as demo_v3 makes demo_v3, a connectable copy of revision 3 (from a spare \
                or a clone when there is one: instantly); the working database is left alone. odb keeps \
                the list: --list shows it, --drop NAME drops one.
                """)

        @Argument(help: "A revision number, a tag, or 'tip'.")
        var revision: String?

        @Option(name: .customLong("as"), help: "The new database's name.")
        var name: String?

        @Flag(help: "List the checkouts of the tracked database.")
        var list = false

        @Option(help: "Drop this checkout (its connections are ended).")
        var drop: String?

        @OptionGroup var change: ChangeOptions
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            let modes = [revision != nil || name != nil, list, drop != nil].filter { $0 }.count
            if modes != 1 { throw ValidationError("give REV --as NAME, --list, or --drop NAME") }
            if revision != nil, name == nil { throw ValidationError("give the new database's name: --as NAME") }
            if name != nil, revision == nil {
                throw ValidationError("give the revision to check out: odb checkout REV --as NAME")
            }
        }

        func run() async throws {
            try await failing {
                if list {
                    try output.emit(.checkouts(try await connection.readingRepository(reporting: output).checkouts()))
                } else if let drop {
                    try await change.run(connection, output) { try $0.dropCheckout(drop) }
                    try output.emit(.droppedCheckout(drop))
                } else if let revision, let name {
                    let target = try RevisionArgument(parsing: revision)
                    let made = try await change.run(connection, output) { try $0.checkout(target, as: name) }
                    try output.emit(.checkedOut(made))
                }
            }
        }
    }
}
