@testable import Projections
import Sessions
import Testing

/// The audit history's one-line summaries of the two frequent events, which a rebuild renders once per event:
/// the exact texts `sessiond events`, `/v1/sessions/{id}/events` and the console show.
@Suite struct AuditSummaryTests {
    @Test func messageSummaryNamesIdsCountsAndSizes() {
        let bare = SessionEvent.messageAppended(MessageAppended(messageID: "m0", role: .user))
        #expect(bare.auditSummary == "user message m0")

        let full = SessionEvent.messageAppended(
            MessageAppended(
                messageID: "m1", role: .assistant, text: "Done.", finishReason: .toolUse, inputTokens: 10,
                outputTokens: 5, cacheCreationTokens: 2, cacheReadTokens: 1,
                toolCalls: [
                    ToolCall(id: "c1", name: "bash", input: "{}"), ToolCall(id: "c2", name: "read", input: "{}"),
                ],
                item: .string("x")))
        #expect(
            full.auditSummary
                == "assistant message m1 (5 characters, 2 tool calls, 12+6 tokens, finish tool_use, framework item)")

        let oneCall = SessionEvent.messageAppended(
            MessageAppended(messageID: "m2", role: .assistant, toolCalls: [ToolCall(id: "c", name: "t", input: "{}")]))
        #expect(oneCall.auditSummary == "assistant message m2 (1 tool call)")
    }

    @Test func messageSummaryCountsCharactersNotBytes() {
        let text = "héllo 👩‍👩‍👧 \r\n e\u{301}"
        let event = SessionEvent.messageAppended(MessageAppended(messageID: "m", role: .user, text: text))
        #expect(event.auditSummary == "user message m (\(text.count) characters)")
        #expect(text.count < text.utf8.count)
        let crlf = SessionEvent.messageAppended(MessageAppended(messageID: "m", role: .user, text: "a\r\nb"))
        #expect(crlf.auditSummary == "user message m (3 characters)", "CR LF is one character")
    }

    @Test func characterCountEqualsCountForAsciiAndOtherText() {
        let texts = [
            "", "a", "plain ASCII text", "line\r\nline\r\n", "\r\r\n\n\r", "\r", "tab\tand\u{7F}",
            "naïve", "日本語", "e\u{301}", "🇫🇷🇩🇪", "\r\n\u{301}", String(repeating: "ab\r\n", count: 500),
        ]
        for text in texts { #expect(text.characterCount == text.count, "\(text.debugDescription)") }
    }

    @Test func toolResultSummaryNamesBytesStatusAndPartial() {
        let ok = SessionEvent.toolResultRecorded(ToolResultRecorded(toolCallID: "c1", messageID: "m1", result: "héllo"))
        #expect(ok.auditSummary == "result of c1 on m1 (ok, 6 bytes)")
        let partial = SessionEvent.toolResultRecorded(
            ToolResultRecorded(toolCallID: "c2", messageID: "m2", result: "", isError: true, finished: false))
        #expect(partial.auditSummary == "result of c2 on m2 (error, 0 bytes, partial)")
    }
}
