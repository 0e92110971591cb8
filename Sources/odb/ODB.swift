import ArgumentParser
import Revisions

@main
struct ODB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "odb",
        abstract: "Version PostgreSQL databases like a tiny Mercurial."
    )
}
