// The old standalone demo's address (/demo/index.html?backend=...) now leads to the site's page, which
// holds the widget: the query (?backend=cpu, wasm or webgpu) goes along.
location.replace(`/demo.html${location.search}${location.hash}`);
