// 用户隐私保护指引: the full text served by the API (GET /privacy-guide), linked from registration and 个人.
const { getPrivacyGuide } = require('../../services/privacy');
const { runLoad } = require('../../utils/load');
const { formatTime } = require('../../utils/time');

Component({
  data: { loading: true, error: '', guide: {} },
  methods: {
    onLoad() {
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const guide = await getPrivacyGuide();
        const updated = /T/.test(guide.updated_at || '') ? formatTime(guide.updated_at) : (guide.updated_at || '');
        return { guide: { ...guide, updatedText: updated } };
      });
    },
  },
});
