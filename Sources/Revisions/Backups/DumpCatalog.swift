import Foundation

/// The dumps in a store: those with a manifest, newest first. A dump key without its manifest
/// (a dump that failed or was killed before it was finished) is never offered; `clean` removes
/// such keys.
public struct DumpCatalog: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// The finished dumps whose key starts with `prefix`, newest first, and the unfinished keys.
    public func scan(prefix: String = "") async throws -> (dumps: [Manifest], unfinished: [String]) {
        let objects = try await store.list(under: "")
        var dumps: Set<DumpKey> = []
        var manifests: Set<DumpKey> = []
        for object in objects {
            guard let key = DumpKey(stored: object.key) else { continue }
            if object.key.hasSuffix(DumpKey.suffix) { dumps.insert(key) } else { manifests.insert(key) }
        }
        let selected = dumps.filter { Self.matches($0, prefix: prefix) }
        var finished: [Manifest] = []
        for key in selected.intersection(manifests).sorted(by: >) {
            finished.append(try Manifest.decoded(try await store.read(key.manifest), key: key.manifest))
        }
        let unfinished = selected.subtracting(manifests).sorted().map(\.description)
        return (finished, unfinished)
    }

    /// Whether `key` is under `prefix`: a prefix of its stored form, or of its database's name
    /// (`odb restore mydb` finds the newest dump of `mydb` from any instance and configuration).
    static func matches(_ key: DumpKey, prefix: String) -> Bool {
        prefix.isEmpty || key.description.hasPrefix(prefix) || key.database.hasPrefix(prefix)
    }

    /// The dump `argument` names: that key exactly, else the newest under that prefix.
    public func find(_ argument: String) async throws -> Manifest {
        let dumps = try await scan(prefix: "").dumps
        if let exact = dumps.first(where: { $0.key == argument }) { return exact }
        guard
            let newest = dumps.first(where: { manifest in
                DumpKey(stored: manifest.key).map { Self.matches($0, prefix: argument) } ?? false
            })
        else { throw OdbError.noSuchDump(argument) }
        return newest
    }

    /// Removes the keys without a manifest under `folder` (all when nil), except those another
    /// dump is still writing (see `Store.isBeingWritten`); returns what it removed.
    @discardableResult
    public func clean(folder: String? = nil) async throws -> [String] {
        var removed: [String] = []
        for key in try await scan().unfinished {
            guard let parsed = DumpKey(stored: key), folder == nil || parsed.folder == folder,
                await !store.isBeingWritten(key)
            else { continue }
            try await store.delete(key)
            removed.append(key)
        }
        return removed
    }
}
