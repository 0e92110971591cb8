import Foundation

/// A patch's number, `major-minor-point`, ordered as numbers: 2-2-22 comes before 2-10-0.
public struct PatchNumber: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let point: Int

    public init(_ major: Int, _ minor: Int, _ point: Int) {
        self.major = major
        self.minor = minor
        self.point = point
    }

    public static func < (lhs: PatchNumber, rhs: PatchNumber) -> Bool {
        (lhs.major, lhs.minor, lhs.point) < (rhs.major, rhs.minor, rhs.point)
    }

    public var description: String { "\(major)-\(minor)-\(point)" }
}

/// How a patch runs, as lazr.postgresql's types say.
public enum PatchType: String, Sendable, Codable, CaseIterable {
    /// In a transaction with its tracking row.
    case std
    /// In a transaction too (lazr applies it to every Slony node; there is one node here).
    case direct
    /// Outside any transaction, one statement at a time: `CREATE INDEX CONCURRENTLY`, `VACUUM`.
    case concurrent

    public var transactional: Bool { self != .concurrent }

    /// lazr's groups: a run applies `std` patches, or `direct` and `concurrent` ones, not both.
    var group: Int { self == .std ? 0 : 1 }
}

/// One patch file of a migrations folder.
public struct Patch: Sendable, Equatable {
    public let number: PatchNumber
    public let type: PatchType
    /// The file's name in its folder: `patch-2-10-0-std.sql`.
    public let file: String
    public let path: String

    /// The file's bytes and their SHA-256, in hex.
    func contents() throws -> (bytes: [UInt8], sha256: String) {
        guard let data = FileManager.default.contents(atPath: path) else { throw OdbError.patchUnreadable(file: file) }
        let bytes = [UInt8](data)
        return (bytes, Checksum.hex(bytes))
    }
}

/// A migrations folder: its patch files, in order.
public enum PatchFolder {
    /// The patches in `folder`, in numeric order. A file that starts like a patch (`patch-…`) but
    /// is not named like one, or a number given twice, is refused: lazr crashed on such strays.
    /// Other files are ignored.
    public static func patches(in folder: String) throws -> [Patch] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OdbError.migrationFolderMissing(path: folder)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        var byNumber: [PatchNumber: Patch] = [:]
        for name in names where name.hasPrefix("patch-") {
            guard let (number, type) = parse(name) else { throw OdbError.strayPatchFile(file: name) }
            if let other = byNumber[number] {
                throw OdbError.duplicatePatch(number: number.description, files: [other.file, name])
            }
            byNumber[number] = Patch(number: number, type: type, file: name, path: folder + "/" + name)
        }
        return byNumber.values.sorted { $0.number < $1.number }
    }

    /// `patch-MAJOR-MINOR-POINT-TYPE.sql`, numbers in decimal digits; nil for anything else.
    static func parse(_ name: String) -> (PatchNumber, PatchType)? {
        guard name.hasPrefix("patch-"), name.hasSuffix(".sql") else { return nil }
        let parts = name.dropFirst(6).dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, let type = PatchType(rawValue: String(parts[3])) else { return nil }
        let numbers = parts[0..<3].compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 9, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        guard numbers.count == 3 else { return nil }
        return (PatchNumber(numbers[0], numbers[1], numbers[2]), type)
    }
}
