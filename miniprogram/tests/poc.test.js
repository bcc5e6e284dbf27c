const path = require('path');
const simulate = require('miniprogram-simulate');
test('poc', async () => {
  const root = path.resolve(__dirname, '..');
  for (const compiler of ['official']) {
    const t0 = Date.now();
    const id = simulate.load(path.join(root, 'pages/poc/index'), { rootPath: root, compiler });
    const comp = simulate.render(id);
    comp.attach(document.createElement('parent-wrapper'));
    console.log(compiler, Date.now() - t0, comp.dom.innerHTML.slice(0, 600));
    const btn = comp.querySelector('#btn');
    btn.dispatchEvent('tap');
    await simulate.sleep(10);
    console.log(comp.data.title);
  }
});
