// Managers: import historical loans from a CSV / Excel file sent in a WeChat chat. The server validates the
// whole file first (every bad row listed, nothing written), then writes it as a job; this page shows its
// progress (rows written / total) by polling the job.
const reports = require('../../services/reports');
const { runAction } = require('../../utils/load');

const STATUS_TEXT = { running: '导入中', done: '已完成', failed: '失败' };

function chooseFile() {
  return new Promise((resolve, reject) => {
    wx.chooseMessageFile({
      count: 1, type: 'file', extension: ['csv', 'xlsx'],
      success: (res) => resolve(res.tempFiles[0]),
      fail: (err) => reject(err),
    });
  });
}

function progressOf(job) {
  const percent = job.total ? Math.floor((100 * job.written) / job.total) : 100;
  return {
    job, percent, statusText: STATUS_TEXT[job.status] || job.status,
    summary: `已写入 ${job.written} / ${job.total} 行：新导入 ${job.imported}，已存在 ${job.already_imported}，补全 ${job.repaired}，跳过 ${job.skipped}`,
  };
}

Component({
  data: { pollMs: 2000, busy: false, fileName: '', job: null, percent: 0, statusText: '', summary: '', problems: [], problemText: '' },
  methods: {
    onLoad() {
      this.closed = false;
    },
    onUnload() {
      this.closed = true;
    },
    onChoose() {
      return runAction(this, async () => {
        let file;
        try {
          file = await chooseFile();
        } catch (err) {
          return; // cancelled
        }
        const format = /\.xlsx$/i.test(file.name || file.path) ? 'xlsx' : 'csv';
        const content = wx.getFileSystemManager().readFileSync(file.path, format === 'xlsx' ? 'base64' : 'utf8');
        this.setData({ fileName: file.name || file.path, job: null, problems: [], problemText: '' });
        let job;
        try {
          job = await reports.createImport({ content, format });
        } catch (error) {
          if (Array.isArray(error.details)) {
            const problems = error.details.map((p) => `第 ${p.line} 行 ${p.column}：${p.reason}`);
            this.setData({ problems, problemText: error.message });
            return;
          }
          throw error;
        }
        this.setData(progressOf(job));
        await reports.watchImport(job, (current) => this.setData(progressOf(current)),
          { interval: this.data.pollMs, isCancelled: () => this.closed });
      });
    },
  },
});
