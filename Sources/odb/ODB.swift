import ArgumentParser
import Revisions

@main
struct ODB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "odb",
        abstract: "Version PostgreSQL databases like a tiny Mercurial.",
        discussion: """
            With no server given, odb runs its own PostgreSQL cluster in the project's .odb/ folder.
            Given --url, ODB_URL or the usual PG* variables, it works against that server instead.
            """,
        version: OdbVersion.text,
        subcommands: [
            Init.self, Commit.self, Revert.self, Info.self, Log.self, TagCommand.self, Tags.self, Purge.self,
            Spares.self, Maintain.self, Protect.self, Recover.self, ServerCommand.self, Psql.self, URL.self,
            Migrate.self,
            Exec.self, Untrack.self,
            Dump.self, Ls.self, Restore.self, Status.self, Bisect.self, CheckoutCommand.self, Push.self, Pull.self,
            Gc.self, Du.self,
            Diff.self,
        ]
    )
}
