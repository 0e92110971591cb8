import Foundation

/// Whether a file system can clone a file: give the copy the original's blocks, shared until one
/// of them is written (XFS made with reflink, Btrfs). Tried with Linux's `FICLONE` ioctl between
/// two unnamed temporary files in the folder, which vanish when closed, even if odb is killed.
///
/// PostgreSQL 18's `file_copy_method = clone` asks Linux for `copy_file_range`, which falls back
/// to copying the bytes in the kernel where the file system cannot clone: there it succeeds, but
/// shares nothing. So whether a clone shares blocks is asked of the file system, not of the server.
enum CloneProbe {
    enum Outcome: Sendable, Equatable {
        /// The file system shares blocks between a file and its clone.
        case clones(fileSystem: String)
        /// The file system cannot clone; the reason says what it answered.
        case cannot(fileSystem: String, reason: String)
        /// odb could not try (the folder is not writable by this user, say).
        case unknown(reason: String)
    }

    /// `_IOW(0x94, 9, int)` from <linux/fs.h>: clone all of one file into another.
    private static let ficlone: UInt = 0x4004_9409
    /// `__O_TMPFILE | O_DIRECTORY` from <fcntl.h>: an unnamed file in a folder.
    private static let temporaryFile: Int32 = 0o20_000_000 | O_DIRECTORY

    static func probe(_ directory: String) -> Outcome {
        let fileSystem = fileSystemName(directory)
        guard let source = unnamedFile(in: directory) else {
            return .unknown(reason: "cannot make a file in \(directory) (\(String(cString: strerror(errno))))")
        }
        defer { close(source) }
        let block = [UInt8](repeating: 0x6f, count: 4096)
        guard block.withUnsafeBytes({ write(source, $0.baseAddress, $0.count) }) == block.count else {
            return .unknown(reason: "cannot write in \(directory) (\(String(cString: strerror(errno))))")
        }
        guard let target = unnamedFile(in: directory) else {
            return .unknown(reason: "cannot make a file in \(directory) (\(String(cString: strerror(errno))))")
        }
        defer { close(target) }
        if ioctl(target, ficlone, source) == 0 { return .clones(fileSystem: fileSystem) }
        let failure = errno
        switch failure {
        case EOPNOTSUPP, ENOTTY, EINVAL, EXDEV, ENOSYS:
            return .cannot(fileSystem: fileSystem, reason: "FICLONE: \(String(cString: strerror(failure)))")
        default:
            return .unknown(reason: "FICLONE in \(directory): \(String(cString: strerror(failure)))")
        }
    }

    /// A file with no name in `directory`: `O_TMPFILE` where the file system has it, else a file
    /// removed as soon as it is open.
    private static func unnamedFile(in directory: String) -> Int32? {
        let unnamed = open(directory, temporaryFile | O_RDWR, 0o600)
        if unnamed >= 0 { return unnamed }
        guard errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL else { return nil }
        let path = directory + "/.odb-clone-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let named = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard named >= 0 else { return nil }
        unlink(path)
        return named
    }

    /// The file system's type (`xfs`, `btrfs`, `ext4`…): that of the deepest mount point holding
    /// `path`, as /proc/self/mounts lists it.
    static func fileSystemName(_ path: String) -> String {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return "unknown" }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            // Spaces and tabs in mount points are written as octal escapes.
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
            let inside = point == "/" || real == point || real.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? 0) { best = (point, String(fields[2])) }
        }
        return best?.type ?? "unknown"
    }
}
