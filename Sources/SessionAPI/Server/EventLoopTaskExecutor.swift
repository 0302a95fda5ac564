import NIOCore

/// A task executor that runs each job on one SwiftNIO event loop: a connection's task that prefers it reads its
/// request, runs the route and writes the answer on the thread that owns the socket, with no wake-up of another
/// thread in between (decision 0136).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // From the loop itself `execute` only queues the job for this tick's end; from elsewhere it wakes the loop.
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
