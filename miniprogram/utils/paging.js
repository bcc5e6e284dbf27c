/**
 * Paged lists (the API's `next_cursor`), one way for every list page. State in the page's data:
 * `items` (or the given key), `cursor`, and `paging` {busy, error, done} for the list footer
 * (components/list-footer). Pages call firstPage on load / filter change, refresh on show (no blank list on
 * return from a detail page) and nextPage from onReachBottom and the footer's tap.
 */
const { runLoad } = require('./load');

const IDLE = { busy: false, error: '', done: false };
const pagingOf = (cursor, count) => ({ busy: false, error: '', done: !cursor && count > 0 });

function shaped(page, map) {
  return { items: ((page && page.items) || []).map(map || ((x) => x)), cursor: (page && page.next_cursor) || null };
}

/** The first page, with the page's loading / error / empty states. `fetch(cursor)` returns an API page. */
function firstPage(component, { fetch, map, key = 'items', extra }) {
  return runLoad(component, async () => {
    const { items, cursor } = shaped(await fetch(null), map);
    return { ...(extra ? extra() : {}), [key]: items, cursor, paging: pagingOf(cursor, items.length) };
  });
}

/**
 * The first page again while the list stays on screen (back from a detail page): shown items are
 * replaced when the answer comes; a failure keeps them and says so in the footer. Falls back to
 * firstPage when nothing is shown yet.
 */
async function refresh(component, options) {
  const key = options.key || 'items';
  const shown = component.data[key] || [];
  if (!shown.length || component.data.error) return firstPage(component, options);
  try {
    const { items, cursor } = shaped(await options.fetch(null), options.map);
    component.setData({ [key]: items, cursor, paging: pagingOf(cursor, items.length) });
    return true;
  } catch (error) {
    component.setData({ paging: { ...IDLE, error: (error && error.message) || '刷新失败' } });
    return false;
  }
}

/** The next page, appended; ignored while one is being read (a double tap or scroll appends once). */
async function nextPage(component, { fetch, map, key = 'items' }) {
  const { cursor, loading } = component.data;
  const paging = component.data.paging || IDLE;
  if (!cursor || paging.busy || loading) return false;
  component.setData({ paging: { ...IDLE, busy: true } });
  try {
    const page = shaped(await fetch(cursor), map);
    component.setData({
      [key]: (component.data[key] || []).concat(page.items), cursor: page.cursor, paging: pagingOf(page.cursor, 1),
    });
    return true;
  } catch (error) {
    component.setData({ paging: { ...IDLE, error: (error && error.message) || '加载失败' } });
    return false;
  }
}

module.exports = { firstPage, refresh, nextPage, IDLE };
