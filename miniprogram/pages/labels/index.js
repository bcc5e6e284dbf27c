// Managers: a printable sheet of device labels (each device's mini program code from GET /devices/{id}/code),
// optionally one category.
const devices = require('../../services/devices');
const { runLoad } = require('../../utils/load');

const MAX_PAGES = 10;

Component({
  data: { loading: true, error: '', devices: [], categoryId: '' },
  methods: {
    onLoad(query = {}) {
      this.setData({ categoryId: query.category_id || '' });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        let items = [];
        let cursor = null;
        for (let i = 0; i < MAX_PAGES; i += 1) {
          const page = await devices.listDevices({ category_id: this.data.categoryId, cursor, limit: 100 });
          items = items.concat(page.items || []);
          cursor = page.next_cursor || null;
          if (!cursor) break;
        }
        return { devices: items.filter((d) => d.status !== 'retired') };
      });
    },
  },
});
