import { useEffect, useRef, useState } from 'react';

/**
 * A ref to hand to an element, and a function that focuses it after the next
 * render: the element may only be back on screen then (e.g. returning from a
 * preview step to the source form).
 */
export function useFocusLater<T extends HTMLElement = HTMLElement>() {
  const ref = useRef<T | null>(null);
  const [requests, setRequests] = useState(0);
  useEffect(() => {
    if (requests) ref.current?.focus();
  }, [requests]);
  return { ref, focusLater: () => setRequests((n) => n + 1) };
}
