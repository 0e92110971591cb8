import Foundation
import Testing

@testable import Revisions

@Suite struct LocalStoreTests {
    /// A dump still being written has no manifest yet, and `ls --clean` (or the next dump's
    /// cleaning) must leave it alone; once its writer is gone without a manifest, it goes.
    @Test func aDumpBeingWrittenIsNotCleaned() async throws {
        let folder = FileManager.default.temporaryDirectory.path + "/odb-store-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = LocalStore(location: folder, folder: folder)
        let key = DumpKey.now(instance: "here", database: "demo", config: "none").description
        let (release, go) = AsyncStream<Void>.makeStream()
        let (started, begun) = AsyncStream<Void>.makeStream()
        let writer = Task {
            try await store.put(key) { write in
                try await write([1, 2, 3])
                begun.yield()
                for await _ in release {}
            }
        }
        for await _ in started { break }
        #expect(await store.isBeingWritten(key))
        #expect(try await DumpCatalog(store: store).clean().isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder + "/" + key))

        go.finish()
        try await writer.value
        // A process another test forks at that moment holds the descriptor until it execs
        // (O_CLOEXEC): the lock goes with it, within a deadline.
        let end = ContinuousClock.now + .seconds(30)
        while await store.isBeingWritten(key), ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(10))  // the poll's interval, under the deadline above
        }
        #expect(await !store.isBeingWritten(key))
        #expect(try await DumpCatalog(store: store).clean() == [key])
    }
}
