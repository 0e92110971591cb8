/// The PostgreSQL versions odb works with: 15 (the first with `CREATE DATABASE … STRATEGY`) to 18
/// (the first with `file_copy_method = clone`), the versions its tests run against. An older
/// server is refused with one line when odb first connects; a newer one is used as 18.
public enum SupportedVersions {
    /// The oldest and newest major versions odb is tested on.
    public static let oldest = 15
    public static let newest = 18

    /// The first major version whose `FILE_COPY` copies can clone files (`file_copy_method`).
    static let cloning = 18

    /// The major version of a server version number (`PQserverVersion`: 150018 for 15.18).
    public static func major(_ serverVersion: Int) -> Int { serverVersion / 10000 }

    /// A server version number as people write it: 150018 is "15.18", 90624 (before 10) "9.6.24".
    public static func describe(_ serverVersion: Int) -> String {
        if serverVersion < 100_000 { return "\(serverVersion / 10000).\(serverVersion / 100 % 100).\(serverVersion % 100)" }
        return "\(serverVersion / 10000).\(serverVersion % 100)"
    }

    /// Refuses a server older than `oldest`, naming it and the versions odb supports.
    public static func check(_ serverVersion: Int, server: String) throws {
        guard major(serverVersion) >= oldest else {
            throw OdbError.unsupportedServer(version: describe(serverVersion), server: server)
        }
    }
}
