import Testing

@testable import Revisions

@Suite struct DumpKeyTests {
    @Test func keysReadBackAndEncodeAwkwardNames() throws {
        let key = DumpKey(instance: "prod", database: "my db/../x", config: "none", timestamp: "20261201T211503.123456Z")
        #expect(key.description == "prod/my%20db%2F..%2Fx/none/20261201T211503.123456Z.dump")
        #expect(DumpKey(stored: key.description) == key)
        #expect(DumpKey(stored: key.manifest) == key)
        #expect(DumpKey(stored: "a/b/c.dump") == nil)
        #expect(DumpKey.encode("..") == "%2E%2E")
    }

    @Test func timestampsSortAsTheyRead() {
        let early = DumpKey.timestamp(.init(timeIntervalSince1970: 1_000_000_000.5))
        let late = DumpKey.timestamp(.init(timeIntervalSince1970: 1_000_000_001))
        #expect(early == "20010909T014640.500000Z")
        #expect(early < late)
    }

    @Test func checksumIsSHA256() {
        #expect(Checksum.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
