/** The page asks main for its port to the services (on load). */
export const CONNECT_CHANNEL = 'pilothouse:connect';
/** Main hands the page its port to the services on this channel (on connect, and after the services restart). */
export const PORT_CHANNEL = 'pilothouse:port';
