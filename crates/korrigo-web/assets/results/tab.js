// The Results tab while final PDFs are being made: the page asks again every few seconds, so
// that the progress bar moves and the ZIP's link appears when every PDF is ready.
// @ts-check

const bar = document.getElementById("pdf-progress");
const every = Number(bar?.dataset.refresh || 0);
if (bar && every > 0) setTimeout(() => location.reload(), every);
