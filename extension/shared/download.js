// Saving text as a file from an extension page (the popup's and the options
// page's Export), without the "downloads" permission: an <a download> on a
// Blob URL, clicked. The URL is released once the browser has taken it.
export function download(text, fileName, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
