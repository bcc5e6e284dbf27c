/** Jest globalTeardown of the e2e project: SIGTERM the stack (it stops its own children), then make sure. */
module.exports = async function stopStack() {
  const child = globalThis.MEDPOOL_STACK;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 15000); });
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  child.stdout.destroy();
  child.stderr.destroy();
  if (outcome === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch (err) {
      // already gone
    }
  }
};
