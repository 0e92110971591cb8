import ArgumentParser
import Foundation
import Revisions

/// Where dumps live and which named configuration of odb.toml a command uses.
struct StorageOptions: ParsableArguments {
    @Option(
        help:
            "Where dumps live: a folder, s3://bucket/prefix or an rclone remote:path (default: the configuration's storage, then ODB_STORAGE, then .odb/dumps)."
    )
    var storage: String?

    @Option(name: [.customShort("c"), .long], help: "A named configuration of odb.toml ([dump.NAME], [restore.NAME]).")
    var config: String?

    /// The settings for `command`, by the order command line > -c > the file's defaults >
    /// environment > built-in, and the store they name.
    func resolve(_ command: BackupSettings.Command, _ given: BackupSettings.Given = .init(), directory: String)
        throws -> (BackupSettings, any Store)
    {
        var given = given
        given.storage = storage
        given.config = config
        let environment = ProcessInfo.processInfo.environment
        let file = try ProjectConfiguration.load(from: directory)
        let settings = try BackupSettings.resolve(
            command, given: given, file: file, environment: environment, hostName: DumpRequest.hostName)
        let root = Project.findOrNew(from: directory).root
        return (settings, try StorageLocation.store(settings.storage, root: root, environment: environment))
    }
}
