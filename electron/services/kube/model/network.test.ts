import { expect, it } from 'vitest';
import { endpointSliceAddresses, endpointSlicePorts } from './network';

it("an EndpointSlice's ports and addresses: the first three, then how many more", () => {
  const slice = {
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics' }, {}, { port: 9090 }],
    endpoints: [{ addresses: ['10.0.0.12'], conditions: { ready: true } }, { addresses: ['10.0.0.13', '10.0.0.14'] }, { addresses: ['10.0.0.15'], conditions: { ready: false } }],
  };
  expect(endpointSlicePorts(slice)).toBe('8080,metrics,* + 1 more...');
  expect(endpointSliceAddresses(slice)).toBe('10.0.0.12,10.0.0.13,10.0.0.14 + 1 more...');
});

it('a slice with no ports or endpoints (the server may write null) has empty cells', () => {
  expect(endpointSlicePorts({ ports: null })).toBeNull();
  expect(endpointSliceAddresses({ endpoints: null })).toBeNull();
  expect(endpointSliceAddresses({ endpoints: [{}] })).toBeNull();
});
