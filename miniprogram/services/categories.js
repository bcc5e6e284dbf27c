/** listCategories · createCategory · updateCategory, with the category names cached for the session. */
const api = require('./api');

let names = null; // Promise of {id: name}, kept for the session (names rarely change; edits here forget it)

function remember(items) {
  const out = {};
  (items || []).forEach((c) => { out[c.id] = c.name; });
  names = Promise.resolve(out);
}

async function listCategories(query = {}) {
  const page = await api.get('/categories', query);
  remember(page.items);
  return page;
}

async function createCategory(body) {
  names = null;
  return api.post('/categories', body);
}

async function updateCategory(id, fields) {
  names = null;
  return api.put(`/categories/${encodeURIComponent(id)}`, fields);
}

async function getCategory(id) {
  const page = await listCategories();
  return (page.items || []).find((c) => c.id === id) || null;
}

/**
 * {id: name} of all categories, fetched once per session (any listCategories call refreshes it). Never
 * fails: when the list cannot be read, lists fall back to showing category ids and the next call retries.
 */
function categoryNames() {
  if (!names) {
    names = api.get('/categories').then(
      (page) => {
        remember(page.items);
        return names;
      },
      () => {
        names = null;
        return {};
      },
    );
  }
  return names;
}

function forgetCache() {
  names = null;
}

module.exports = { listCategories, createCategory, updateCategory, getCategory, categoryNames, forgetCache };
