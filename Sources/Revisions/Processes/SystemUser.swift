import Foundation

/// A local user account, for running PostgreSQL's server programs as someone other than root.
public struct SystemUser: Sendable, Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    public static func named(_ name: String) -> SystemUser? {
        guard let entry = getpwnam(name) else { return nil }
        return SystemUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    public static var isRoot: Bool { geteuid() == 0 }

    /// The groups this user belongs to, for deciding what it may reach.
    var groups: [gid_t] {
        var count: Int32 = 64
        var groups: [gid_t] = Array(repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            groups = Array(repeating: 0, count: Int(count))
            _ = getgrouplist(name, gid, &groups, &count)
        }
        return Array(groups.prefix(Int(max(count, 0))))
    }

    /// Whether this user may walk down to `path`: execute permission on it and every folder above.
    func canReach(_ path: String) -> Bool {
        let groups = Set(groups)
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var info = stat()
            guard stat(current.path, &info) == 0 else { return false }
            let mode = info.st_mode
            let allowed =
                if info.st_uid == uid { mode & S_IXUSR != 0 } else if groups.contains(info.st_gid) { mode & S_IXGRP != 0 } else {
                    mode & S_IXOTH != 0
                }
            if !allowed { return false }
            if current.path == "/" { return true }
            current.deleteLastPathComponent()
        }
    }
}
