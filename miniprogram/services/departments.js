/** listDepartments · createDepartment · updateDepartment, with a short-lived cache of names. */
const api = require('./api');

let cache = null;

async function listDepartments() {
  const page = await api.get('/departments', undefined, { auth: false });
  cache = { at: Date.now(), items: page.items || [] };
  return page;
}

async function createDepartment(body) {
  cache = null;
  return api.post('/departments', body);
}

async function updateDepartment(id, fields) {
  cache = null;
  return api.put(`/departments/${encodeURIComponent(id)}`, fields);
}

/** {id: name} of all departments; cached for five minutes. */
async function departmentNames() {
  if (!cache || Date.now() - cache.at > 5 * 60 * 1000) await listDepartments();
  const names = {};
  cache.items.forEach((d) => {
    names[d.id] = d.name;
  });
  return names;
}

/** All departments [{id, name, ...}] in the API's order; the same five-minute cache. */
async function departmentItems() {
  if (!cache || Date.now() - cache.at > 5 * 60 * 1000) await listDepartments();
  return cache.items.slice();
}

function forgetCache() {
  cache = null;
}

module.exports = { listDepartments, createDepartment, updateDepartment, departmentNames, departmentItems, forgetCache };
