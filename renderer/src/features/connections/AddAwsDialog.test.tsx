import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AwsProfilesPreview } from '../../../../shared/contract';
import { awsConnection, createFakeBridge, fail, importTask, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

async function openDialog(fake: FakeBridge) {
  const user = userEvent.setup();
  renderApp(fake);
  await user.click(await screen.findByRole('button', { name: 'Add AWS account' }));
  return { user, dialog: screen.getByRole('dialog', { name: 'Add AWS account' }) };
}

const profiles: AwsProfilesPreview = {
  profiles: [
    { profile: 'ml-prod', profileKind: 'sso', region: 'eu-west-1', settings: { sso_start_url: 'https://acme.awsapps.com/start' }, hasStaticKeys: false, source: '~/.aws/config', line: 1, suggestedName: 'ml-prod' },
    { profile: 'sandbox', profileKind: 'static', settings: {}, hasStaticKeys: true, source: '~/.aws/credentials', line: 4, suggestedName: 'sandbox' },
  ],
  rejected: [{ name: 'broken', reason: 'source_profile "nope" is not defined', source: '~/.aws/config', line: 9 }],
};

describe('add AWS account dialog', () => {
  it('imports profiles from ~/.aws, requiring a region where the profile has none, and follows the import to its end', async () => {
    const task = importTask({ title: 'Import 2 AWS profiles from ~/.aws/config and ~/.aws/credentials', progress: { done: 0, total: 0, unit: 'profiles' } });
    const done = { ...task, status: 'succeeded' as const, finishedAt: '2025-01-01T10:00:01Z', result: { imported: 2, replaced: 0, rejected: 1 } };
    const fake = createFakeBridge({
      'connections.previewAwsProfiles': () => ok(profiles),
      'connections.importAwsProfiles': () => ok({ taskId: task.id, task }),
      // Done before the dialog listened: it asks, and shows the outcome.
      'tasks.get': () => ok(done),
    });
    const { user, dialog } = await openDialog(fake);
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(fake.method('connections.previewAwsProfiles')).toHaveBeenCalledWith({ source: { kind: 'default' } });
    expect((await within(dialog).findByRole('region', { name: 'Cannot be imported' })).textContent).toContain('source_profile "nope" is not defined');

    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    const region = within(dialog).getByLabelText('Region for sandbox');
    expect(region.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByText('This profile has no region: choose one')).toBeTruthy();
    expect(fake.method('connections.importAwsProfiles')).not.toHaveBeenCalled();

    await user.type(region, 'us-east-2');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('connections.importAwsProfiles')).toHaveBeenCalledWith({
      source: { kind: 'default' },
      selections: [
        { profile: 'ml-prod', name: 'ml-prod', onConflict: 'fail' },
        { profile: 'sandbox', name: 'sandbox', onConflict: 'fail', region: 'us-east-2' },
      ],
    });
    const outcome = await within(dialog).findByRole('region', { name: 'Import outcome' });
    expect(within(outcome).getByRole('status').textContent).toBe('Imported 2 connections; 1 entry in the file could not be.');
  });

  it('previews pasted config and credentials', async () => {
    const fake = createFakeBridge({ 'connections.previewAwsProfiles': () => ok(profiles) });
    const { user, dialog } = await openDialog(fake);
    await user.click(within(dialog).getByRole('radio', { name: 'Paste config/credentials' }));
    await user.click(within(dialog).getByLabelText('AWS credentials'));
    await user.paste('[sandbox]\naws_access_key_id = AKIAEXAMPLE');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(fake.method('connections.previewAwsProfiles')).toHaveBeenCalledWith({ source: { kind: 'text', credentials: '[sandbox]\naws_access_key_id = AKIAEXAMPLE' } });
  });

  it('adds typed access keys and clears the secret as soon as the call returns', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([awsConnection()]),
      'connections.addAwsKeys': () => fail('NAME_CONFLICT', '"ml-prod" is already used: choose another name or replace'),
    });
    const { user, dialog } = await openDialog(fake);
    await user.click(within(dialog).getByRole('radio', { name: 'Access keys' }));
    await user.type(within(dialog).getByLabelText('Name'), 'ml-prod');
    await user.type(within(dialog).getByLabelText('Access key ID'), 'AKIAIOSFODNN7EXAMPLE');
    const secret = within(dialog).getByLabelText<HTMLInputElement>('Secret access key');
    expect(secret.type).toBe('password');
    await user.type(secret, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    await user.type(within(dialog).getByLabelText('Region'), 'eu-west-1');

    // The name is taken: the user must rename or choose to replace.
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(fake.method('connections.addAwsKeys')).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('checkbox', { name: /Replace the existing connection named “ml-prod”/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));

    expect(fake.method('connections.addAwsKeys')).toHaveBeenCalledWith({
      name: 'ml-prod',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      region: 'eu-west-1',
      onConflict: 'replace',
    });
    await within(dialog).findByRole('alert');
    await waitFor(() => expect(secret.value).toBe(''));
    expect(within(dialog).getByLabelText<HTMLInputElement>('Access key ID').value).toBe('AKIAIOSFODNN7EXAMPLE');
  });
});
