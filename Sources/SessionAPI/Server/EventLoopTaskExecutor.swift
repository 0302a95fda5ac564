import NIOCore

/// A task executor that runs each job on one SwiftNIO event loop: a connection's task that prefers it reads its
/// request, runs the route and writes the answer on the thread that owns the socket, with no wake-up of another
/// thread in between (decision 0136). `sessiond-bench http` runs its fixed-rate client's connections the same way.
package final class EventLoopTaskExecutor: TaskExecutor {
    package let eventLoop: any EventLoop

    package init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // From the loop itself `execute` only queues the job for this tick's end; from elsewhere it wakes the loop.
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
