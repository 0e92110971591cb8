import Foundation

/// The dumps in a store: those with a manifest, newest first. A dump key without its manifest
/// (a dump that failed or was killed before it was finished) is never offered; `clean` removes
/// such keys.
public struct DumpCatalog: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// The finished dumps whose key starts with `prefix`, newest first, and the unfinished keys.
    /// Reads the manifest of every finished dump selected: one transfer each.
    public func scan(prefix: String = "") async throws -> (dumps: [Manifest], unfinished: [String]) {
        let keys = try await self.keys()
        var finished: [Manifest] = []
        for key in keys.finished where Self.matches(key, prefix: prefix) { finished.append(try await manifest(of: key)) }
        return (finished, keys.unfinished.filter { Self.matches($0, prefix: prefix) }.map(\.description))
    }

    /// The dump keys in one listing: those with a manifest, newest first, and those without. An
    /// empty manifest is none (a store that does not hold rclone to `rcat --size` could keep one
    /// from a killed dump, see `RcloneStore.prepare`).
    func keys() async throws -> (finished: [DumpKey], unfinished: [DumpKey]) {
        var dumps: Set<DumpKey> = []
        var manifests: Set<DumpKey> = []
        for object in try await store.list(under: "") {
            guard let key = DumpKey(stored: object.key) else { continue }
            if object.key.hasSuffix(DumpKey.suffix) {
                dumps.insert(key)
            } else if object.size > 0 {
                manifests.insert(key)
            }
        }
        return (dumps.intersection(manifests).sorted(by: >), dumps.subtracting(manifests).sorted())
    }

    func manifest(of key: DumpKey) async throws -> Manifest {
        try Manifest.decoded(try await store.read(key.manifest), key: key.manifest)
    }

    /// Whether `key` is under `prefix`: a prefix of its stored form, or of its database's name
    /// (`odb restore mydb` finds the newest dump of `mydb` from any instance and configuration).
    static func matches(_ key: DumpKey, prefix: String) -> Bool {
        prefix.isEmpty || key.description.hasPrefix(prefix) || key.database.hasPrefix(prefix)
    }

    /// The dump `argument` names: that key exactly, else the newest under that prefix. Reads
    /// that dump's manifest only.
    public func find(_ argument: String) async throws -> Manifest {
        // A whole key: its manifest, without listing the store.
        if argument.hasSuffix(DumpKey.suffix), let key = DumpKey(stored: argument), key.description == argument {
            do { return try await manifest(of: key) } catch OdbError.noSuchDump { throw OdbError.noSuchDump(argument) }
        }
        let finished = try await keys().finished
        guard
            let key = finished.first(where: { Self.matches($0, prefix: argument) })
        else { throw OdbError.noSuchDump(argument) }
        return try await manifest(of: key)
    }

    /// Removes the keys without a manifest under `folder` (all when nil), except `kept` (a dump
    /// being written meanwhile) and those another dump is still writing (see
    /// `Store.isBeingWritten`); returns what it removed.
    @discardableResult
    public func clean(folder: String? = nil, except kept: DumpKey? = nil) async throws -> [String] {
        var removed: [String] = []
        for key in try await keys().unfinished where (folder == nil || key.folder == folder) && key != kept {
            guard await !store.isBeingWritten(key.description) else { continue }
            try await store.delete(key.description)
            removed.append(key.description)
        }
        return removed
    }
}
