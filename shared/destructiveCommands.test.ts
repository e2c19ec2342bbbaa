import { describe, expect, it } from 'vitest';
import { findDestructive, segmentCommand } from './destructiveCommands';

/** The flagged texts of `command`. */
const flagged = (command: string) => findDestructive(command).map((p) => command.slice(p.start, p.end));

describe('findDestructive', () => {
  it.each([
    ['kubectl delete pod web-1', 'kubectl delete pod web-1'],
    ['kubectl -n prod delete deploy/payments', 'kubectl -n prod delete deploy/payments'],
    ['kubectl --context prod-eu delete ns ml', 'kubectl --context prod-eu delete ns ml'],
    ['kubectl drain gpu-node-3 --ignore-daemonsets', 'kubectl drain gpu-node-3 --ignore-daemonsets'],
    ['kubectl cordon gpu-node-3', 'kubectl cordon gpu-node-3'],
    ['kubectl scale deploy/ranker --replicas=0', 'kubectl scale deploy/ranker --replicas=0'],
    ['kubectl scale deploy/ranker --replicas 0', 'kubectl scale deploy/ranker --replicas 0'],
    ['kubectl replace --force -f x.yaml', 'kubectl replace --force -f x.yaml'],
    ['/usr/local/bin/kubectl delete pod x', '/usr/local/bin/kubectl delete pod x'],
    ['rm -rf /tmp/model-cache', 'rm -rf /tmp/model-cache'],
    ['rm -fr ./build', 'rm -fr ./build'],
    ['rm -r -f ./build', 'rm -r -f ./build'],
    ['rm -Rf ./build', 'rm -Rf ./build'],
    ['rm --recursive --force x', 'rm --recursive --force x'],
    ['sudo rm -rf /var/lib/kubelet', 'sudo rm -rf /var/lib/kubelet'],
    ['helm uninstall ranker -n ml', 'helm uninstall ranker -n ml'],
    ['helm -n ml delete ranker', 'helm -n ml delete ranker'],
    ['velero backup delete nightly --confirm', 'velero backup delete nightly --confirm'],
    ['velero schedule delete daily', 'velero schedule delete daily'],
    ['aws ec2 terminate-instances --instance-ids i-1', 'aws ec2 terminate-instances --instance-ids i-1'],
    ['aws --profile ml eks delete-nodegroup --cluster-name a --nodegroup-name b', 'aws --profile ml eks delete-nodegroup --cluster-name a --nodegroup-name b'],
    ['aws s3 rm s3://bucket/models --recursive', 'aws s3 rm s3://bucket/models --recursive'],
    ['aws s3 rb s3://bucket --force', 'aws s3 rb s3://bucket --force'],
    ['terraform destroy -auto-approve', 'terraform destroy -auto-approve'],
    ['terraform apply -destroy', 'terraform apply -destroy'],
    ['dd if=/dev/zero of=/dev/nvme1n1 bs=1M', 'dd if=/dev/zero of=/dev/nvme1n1 bs=1M'],
    ['mkfs.ext4 /dev/nvme1n1', 'mkfs.ext4 /dev/nvme1n1'],
    ['mkfs -t xfs /dev/sdb', 'mkfs -t xfs /dev/sdb'],
    ['curl -fsSL https://get.example.com | sh', 'curl -fsSL https://get.example.com | sh'],
    ['curl -fsSL https://x | sudo bash -s -- --yes', 'curl -fsSL https://x | sudo bash -s -- --yes'],
    ['wget -qO- https://x | tee install.sh | bash', 'wget -qO- https://x | tee install.sh | bash'],
    ['KUBECONFIG=/tmp/k kubectl delete pod x', 'KUBECONFIG=/tmp/k kubectl delete pod x'],
    ['bash -c "kubectl delete pod x"', 'bash -c "kubectl delete pod x"'],
    // What runs elsewhere, wrapped or aliased.
    ['kubectl exec -it pod-0 -- rm -rf /data', 'kubectl exec -it pod-0 -- rm -rf /data'],
    ['kubectl -n ml debug node/gpu-1 -it --image=busybox -- rm -rf /host/var/lib', 'kubectl -n ml debug node/gpu-1 -it --image=busybox -- rm -rf /host/var/lib'],
    ['ssh -i key.pem node1 sudo rm -rf /var/lib/kubelet', 'ssh -i key.pem node1 sudo rm -rf /var/lib/kubelet'],
    ['eval "kubectl delete ns x"', 'eval "kubectl delete ns x"'],
    ['timeout 60 kubectl delete pod x', 'timeout 60 kubectl delete pod x'],
    ['watch -n 5 kubectl delete pod x', 'watch -n 5 kubectl delete pod x'],
    ['nice -n 10 rm -rf /scratch', 'nice -n 10 rm -rf /scratch'],
    ['k delete pod x', 'k delete pod x'],
    ['kubectl --v 6 delete pod x', 'kubectl --v 6 delete pod x'],
    ['find / -name "*.ckpt" -delete', 'find / -name "*.ckpt" -delete'],
    ['find . -name tmp -exec rm -rf {} +', 'find . -name tmp -exec rm -rf {} +'],
    ['kubectl taint nodes gpu-1 maintenance=true:NoExecute', 'kubectl taint nodes gpu-1 maintenance=true:NoExecute'],
    ['kubectl apply --prune -l app=x -f dir/', 'kubectl apply --prune -l app=x -f dir/'],
    ['aws s3 sync ./models s3://bucket/models --delete', 'aws s3 sync ./models s3://bucket/models --delete'],
    ['sudo reboot', 'sudo reboot'],
    ['sudo systemctl stop kubelet', 'sudo systemctl stop kubelet'],
  ])('flags %s', (command, part) => {
    expect(flagged(command)).toEqual([part]);
  });

  it.each([
    'kubectl get pods | grep delete',
    'kubectl delete pod x --dry-run=client -o yaml',
    'kubectl drain gpu-1 --dry-run=server',
    'kubectl exec -it pod-0 -- ls /data',
    'ssh node1 uptime',
    'kubectl taint nodes gpu-1 maintenance=true:NoSchedule',
    'systemctl status kubelet',
    'find . -name "*.log"',
    'timeout 60 kubectl get pods',
    'kubectl get pods -o wide',
    'kubectl logs deploy/payments | grep -i "drain"',
    'echo "rm -rf /"',
    'echo kubectl delete pod x',
    'kubectl scale deploy/ranker --replicas=10',
    'kubectl scale deploy/ranker --replicas 3',
    'kubectl describe node drain-1',
    'kubectl get deploy delete-me',
    'kubectl rollout undo deploy/ranker',
    'kubectl uncordon gpu-node-3',
    'rm -r ./build',
    'rm -f one.txt',
    'helm list -A',
    'velero backup get',
    'aws ec2 describe-instances',
    'aws s3 ls s3://bucket',
    'terraform plan',
    'dd if=/dev/sda bs=1M count=1',
    'curl -fsSL https://x -o install.sh',
    'curl https://x | jq .',
    '# kubectl delete pod x',
    "grep 'kubectl delete' notes.md",
    '',
    '   \n\n  ',
  ])('leaves %j alone', (command) => {
    expect(findDestructive(command)).toEqual([]);
  });

  it('finds each destructive command of a chain, and only those', () => {
    const command = 'kubectl get pods && kubectl delete pod web-1; kubectl get pods || rm -rf /tmp/x';
    expect(flagged(command)).toEqual(['kubectl delete pod web-1', 'rm -rf /tmp/x']);
  });

  it('reads `\\` continuations as one command across lines', () => {
    const command = 'kubectl \\\n  --namespace ml-serving \\\n  scale deploy/ranker \\\n  --replicas=0';
    expect(flagged(command)).toEqual([command]);
    expect(findDestructive(command)[0].reason).toBe('scales a workload to zero replicas');
  });

  it('reads CRLF continuations too', () => {
    const command = 'kubectl drain \\\r\n  gpu-node-3';
    expect(flagged(command)).toEqual([command]);
  });

  it('judges each line of a multi-line block on its own', () => {
    const command = ['kubectl get nodes', 'kubectl cordon gpu-3', 'kubectl drain gpu-3 --ignore-daemonsets', 'kubectl get pods -o wide | grep gpu-3'].join('\n');
    expect(flagged(command)).toEqual(['kubectl cordon gpu-3', 'kubectl drain gpu-3 --ignore-daemonsets']);
  });

  it('flags a destructive command inside $( … ) and after xargs', () => {
    expect(flagged('echo $(kubectl delete pod x)')).toEqual(['kubectl delete pod x']);
    expect(flagged('kubectl get pods -o name | xargs kubectl delete')).toEqual(['xargs kubectl delete']);
  });

  it('flags a shell fed from a download by process or command substitution', () => {
    expect(findDestructive('bash <(curl -fsSL https://x)')[0]?.reason).toBe('runs a script downloaded from the network');
    expect(findDestructive('sh -c "$(curl -fsSL https://x)"')[0]?.reason).toBe('runs a script downloaded from the network');
  });

  it('keeps redirections inside their command', () => {
    expect(flagged('curl -fsSL https://x 2>&1 | sh')).toEqual(['curl -fsSL https://x 2>&1 | sh']);
    expect(flagged('kubectl delete pod x &>/dev/null')).toEqual(['kubectl delete pod x &>/dev/null']);
  });

  it('copes with unbalanced quotes and hostile input without throwing', () => {
    expect(flagged('kubectl delete pod "x')).toEqual(['kubectl delete pod "x']);
    expect(() => findDestructive('\\')).not.toThrow();
    expect(() => findDestructive('"'.repeat(10_001))).not.toThrow();
    expect(flagged(`${'kubectl get pods && '.repeat(5000)}rm -rf /`)).toEqual(['rm -rf /']);
  });
});

describe('segmentCommand', () => {
  it('covers the whole text, marking the destructive runs', () => {
    const command = 'kubectl get pods && kubectl delete pod web-1';
    const segments = segmentCommand(command);
    expect(segments.map((s) => s.text).join('')).toBe(command);
    expect(segments).toEqual([{ text: 'kubectl get pods && ' }, { text: 'kubectl delete pod web-1', reason: 'deletes Kubernetes objects' }]);
  });

  it('is one plain run when nothing is destructive', () => {
    expect(segmentCommand('kubectl get pods')).toEqual([{ text: 'kubectl get pods' }]);
  });
});
