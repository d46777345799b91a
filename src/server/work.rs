//! A pool of worker threads of their own for running costly GraphQL documents (by their price
//! before they run; cheap ones run where they were read), apart from the threads that accept
//! connections, read requests and answer `/health`: a request that computes for a long time (a
//! slow field over a large dataset) then slows other requests down, but never stops the server
//! from accepting, answering its health check, timing requests out or shutting down. A task
//! whose request is given up is aborted at its next await.

use std::future::Future;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::{Error, Result};

/// The pool; its threads stop with it.
pub struct WorkPool {
    handle: Handle,
    runtime: Option<Runtime>,
}

impl WorkPool {
    /// A pool of `threads` workers (at least one).
    pub fn new(threads: usize) -> Result<WorkPool> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("samenhang-work")
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the work pool: {e}")))?;
        Ok(WorkPool {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// Runs `work` on the pool and waits for it; dropping the returned future aborts it.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Result<T> {
        let task = self.handle.spawn(work);
        let _abort = AbortOnDrop(task.abort_handle());
        task.await
            .map_err(|e| Error::Internal(format!("a request's work failed: {e}")))
    }
}

impl Drop for WorkPool {
    fn drop(&mut self) {
        // Dropped inside the server's own runtime: leave the threads to stop by themselves.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Aborts a task when its waiter goes away.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
