Component({ data: { title: 'hello', n: 0 }, methods: { onTap() { this.setData({ title: 'tapped' }); } } });
