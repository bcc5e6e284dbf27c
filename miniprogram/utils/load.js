/**
 * Run a page's load: sets {loading, error} around `fetch` and merges what it returns into data.
 * Resolves true on success. Errors are shown in the page (error state), not as a toast.
 */
async function runLoad(component, fetch) {
  component.setData({ loading: true, error: '' });
  try {
    const data = await fetch();
    component.setData({ ...(data || {}), loading: false });
    return true;
  } catch (error) {
    component.setData({ loading: false, error: (error && error.message) || '加载失败' });
    return false;
  }
}

/** Run an action (button): `busy` while running, error toast on failure; resolves with its result or undefined. */
async function runAction(component, action) {
  const { showError } = require('./feedback');
  if (component.data.busy) return undefined;
  component.setData({ busy: true });
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    component.setData({ busy: false });
  }
}

module.exports = { runLoad, runAction };
