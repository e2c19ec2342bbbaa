// SCAFFOLD: replaced by the actions helper.
export function PortForwardsButton() {
  return null;
}
