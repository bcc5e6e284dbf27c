/** listCategories · createCategory · updateCategory */
const api = require('./api');

const listCategories = (query = {}) => api.get('/categories', query);
const createCategory = (body) => api.post('/categories', body);
const updateCategory = (id, fields) => api.put(`/categories/${encodeURIComponent(id)}`, fields);

async function getCategory(id) {
  const page = await listCategories();
  return (page.items || []).find((c) => c.id === id) || null;
}

module.exports = { listCategories, createCategory, updateCategory, getCategory };
