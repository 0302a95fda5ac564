import EventLog

/// An append waiting in the node's queue for the writer's next transaction.
struct PendingAppend: Sendable {
    let request: AppendPlan.Request
    let continuation: CheckedContinuation<AppendResult, any Error>
}
