import Foundation

/// The migrations folder named in the project's `odb.toml` (`[migrate] folder = "…"`), if that file
/// exists and names one, read with the project's TOML loader (`ProjectConfiguration`).
public enum MigrationsFolderSetting {
    public static func read(from file: String) throws -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let folder: String?
        do {
            folder = try ProjectConfiguration.parse(text, path: file).table("migrate")?.string("folder")
        } catch OdbError.invalidConfiguration {
            throw OdbError.invalidSetting(file: file, key: "migrate.folder")
        }
        if folder?.isEmpty == true { throw OdbError.invalidSetting(file: file, key: "migrate.folder") }
        return folder
    }
}

extension MigrationsFolderSetting {
    /// The folder `odb migrate` works on: the one given, else the one `odb.toml` in `directory`
    /// names (relative to that file), else `migrations/` in `directory`.
    public static func folder(given: String?, directory: String) throws -> String {
        if let given { return given.hasPrefix("/") ? given : directory + "/" + given }
        if let named = try read(from: directory + "/odb.toml") {
            return named.hasPrefix("/") ? named : directory + "/" + named
        }
        return directory + "/migrations"
    }
}
