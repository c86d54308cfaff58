import { useEffect, useRef } from 'react';

/** An image shown large in a modal `<dialog>`: Esc, a click outside it or × closes it. */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a modal dialog closes on Esc by itself; the click is on its backdrop.
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={alt}
      onClose={onClose}
      onClick={(event) => {
        // The backdrop is the dialog itself; the image is inside it.
        if (event.target === event.currentTarget) dialog.current?.close();
      }}
    >
      <img src={src} alt={alt} />
      <button
        type="button"
        className="lightbox-close"
        aria-label="Close"
        onClick={() => dialog.current?.close()}
      >
        ×
      </button>
    </dialog>
  );
}
