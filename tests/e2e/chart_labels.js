(ids) => {
  const report = {};
  for (const id of ids) {
    const dom = document.getElementById(id);
    if (!dom) { report[id] = {missing: true}; continue; }
    const chart = echarts.getInstanceByDom(dom);
    if (!chart) { report[id] = {noChart: true}; continue; }
    const w = chart.getWidth(), h = chart.getHeight();
    const texts = chart.getZr().storage.getDisplayList(true).filter(
      (el) => (el.type === "text" || el.type === "tspan") && !el.ignore && !el.invisible && el.style && el.style.text
    );
    const rects = [];
    const problems = [];
    for (const el of texts) {
      const r = el.getBoundingRect().clone();
      if (el.transform) { r.applyTransform(el.transform); }
      // Inside a clipped container (a scrolling legend): hidden when wholly outside the clip, cut when partly.
      let hidden = false, cut = false;
      for (const clip of el.__clipPaths || []) {
        const c = clip.getBoundingRect().clone();
        if (clip.transform) { c.applyTransform(clip.transform); }
        const inside = r.x >= c.x - 0.5 && r.y >= c.y - 0.5 && r.x + r.width <= c.x + c.width + 0.5 && r.y + r.height <= c.y + c.height + 0.5;
        const apart = r.x >= c.x + c.width || r.x + r.width <= c.x || r.y >= c.y + c.height || r.y + r.height <= c.y;
        if (apart) { hidden = true; } else if (!inside) { cut = true; }
      }
      if (hidden) { continue; }
      if (cut) { problems.push({text: String(el.style.text), cut: true}); }
      const clipped = r.x < -0.5 || r.y < -0.5 || r.x + r.width > w + 0.5 || r.y + r.height > h + 0.5;
      const truncated = /…|\.\.\./.test(String(el.style.text));
      if (clipped || truncated) { problems.push({text: String(el.style.text), rect: [r.x, r.y, r.width, r.height], clipped, truncated}); }
      const t = el.transform;
      const rotated = t && (Math.abs(t[1]) > 1e-3 || Math.abs(t[2]) > 1e-3);
      if (!rotated) { rects.push({text: String(el.style.text), r}); }
    }
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i].r, b = rects[j].r;
        const ox = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const oy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (ox > 1 && oy > 1) { problems.push({overlap: [rects[i].text, rects[j].text]}); }
      }
    }
    report[id] = {width: w, height: h, labels: texts.length, problems};
  }
  return report;
}
