import Testing

@testable import odb

@Suite struct TextTests {
    @Test func bytesInPowersOf1024() {
        #expect(Text.bytes(0) == "0 B")
        #expect(Text.bytes(1023) == "1023 B")
        #expect(Text.bytes(1024) == "1.0 kB")
        #expect(Text.bytes(7_444_000) == "7.1 MB")
        #expect(Text.bytes(1_610_612_736) == "1.5 GB")
        #expect(Text.bytes(3 << 40) == "3.0 TB")
        #expect(Text.bytes(5000 << 40) == "5000.0 TB")
    }

    @Test func countsInSingularAndPlural() {
        #expect(Text.count(0, "spare") == "0 spares")
        #expect(Text.count(1, "spare") == "1 spare")
        #expect(Text.count(2, "revision database") == "2 revision databases")
    }

    /// What a user typed can neither split odb's one line nor drive the terminal.
    @Test func errorsAreOneLineWithControlCharactersEscaped() {
        #expect(Text.error("no revision 'a\nb'") == #"odb: no revision 'a\nb'"#)
        #expect(Text.error("tag \u{1B}[31mred\u{1B}[0m") == #"odb: tag \u{1B}[31mred\u{1B}[0m"#)
        #expect(Text.error("tab\there, accents é and → stay") == #"odb: tab\there, accents é and → stay"#)
    }

    @Test func usageErrorsKeepTheParsersFirstLine() {
        #expect(
            Text.usageError("Unexpected argument 'bogus'\nUsage: odb <subcommand>")
                == "odb: Unexpected argument 'bogus' (see 'odb help')")
        #expect(Text.usageError("") == "odb: invalid arguments (see 'odb help')")
    }
}
