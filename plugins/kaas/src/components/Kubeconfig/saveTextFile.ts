/**
 * Saves `text` as a file through the browser's download (an object URL on a temporary
 * anchor with `download`), so the secret never passes through a URL or the history.
 */
export function saveTextFile(
  filename: string,
  text: string,
  type: string = 'application/yaml',
): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // Some browsers start reading the URL only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
