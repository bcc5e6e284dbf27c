// Managers: write, edit, pin or delete an announcement.
const announcements = require('../../services/announcements');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, showSuccess } = require('../../utils/feedback');

Component({
  data: { loading: true, error: '', busy: false, id: '', form: { title: '', body: '', pinned: false } },
  methods: {
    onLoad(query = {}) {
      this.setData({ id: query.id || '' });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        if (!this.data.id) return { form: { title: '', body: '', pinned: false } };
        let cursor = null;
        do {
          const page = await announcements.listAnnouncements({ cursor });
          const found = (page.items || []).find((a) => a.id === this.data.id);
          if (found) return { form: { title: found.title, body: found.body, pinned: Boolean(found.pinned) } };
          cursor = page.next_cursor || null;
        } while (cursor);
        throw new Error('公告不存在或已删除');
      });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail });
    },
    onPinned(event) {
      this.setData({ 'form.pinned': event.detail });
    },
    onSave() {
      const form = { ...this.data.form, title: (this.data.form.title || '').trim(), body: (this.data.form.body || '').trim() };
      if (!form.title || !form.body) {
        wx.showToast({ title: '请填写标题和内容', icon: 'none' });
        return Promise.resolve();
      }
      return runAction(this, async () => {
        if (this.data.id) await announcements.updateAnnouncement(this.data.id, form);
        else await announcements.createAnnouncement(form);
        showSuccess(this.data.id ? '已保存' : '已发布');
        wx.navigateBack();
      });
    },
    async onDelete() {
      if (!(await confirm('删除公告', '确定删除这条公告？'))) return undefined;
      return runAction(this, async () => {
        await announcements.deleteAnnouncement(this.data.id);
        showSuccess('已删除');
        wx.navigateBack();
      });
    },
  },
});
